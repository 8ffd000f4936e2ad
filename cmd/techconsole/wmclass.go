package main

import "github.com/go-gl/glfw/v3.4/glfw"

// windowClass is the X11 WM_CLASS of the console's window, both parts, and
// its Wayland app_id; the desktop entry's StartupWMClass names it so that launchers and docks put the
// window under the console's icon.
const windowClass = "techconsole"

// setWindowClass makes the next window created get WM_CLASS (X11) and app_id
// (Wayland) windowClass.
// Without it GLFW uses the window's title, which names the emulated version
// and so changes from one run to the next. Fyne has initialised GLFW once
// the first window exists (its Show creates the native window later, and
// GLFW keeps hints until re-initialised); like every GLFW call this must
// run on the main goroutine, before ShowAndRun. Other platforms ignore the
// hints.
func setWindowClass() {
	glfw.WindowHintString(glfw.X11InstanceName, windowClass)
	glfw.WindowHintString(glfw.X11ClassName, windowClass)
	glfw.WindowHintString(glfw.WaylandAppID, windowClass)
}
