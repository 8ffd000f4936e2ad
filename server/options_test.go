package server_test

import (
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

func servertestWithoutDev() servertest.Option {
	return servertest.WithConfig(func(c *server.Config) { c.Dev = false })
}
