package store

import "errors"

// refusal is an answer to the caller that must not roll back what its
// transaction recorded: an expired challenge, a counted wrong code, an audit
// event of a refused call.
type refusal struct{ answer error }

func (r refusal) Error() string { return r.answer.Error() }

// CommitThen makes answer a refusal: returned from a Write's fn, the
// transaction commits and Write then returns answer. A nil answer stays nil.
func CommitThen(answer error) error {
	if answer == nil {
		return nil
	}
	return refusal{answer}
}

// RefusalAnswer returns the answer of the refusal in err's chain, if any.
func RefusalAnswer(err error) (error, bool) {
	var r refusal
	if !errors.As(err, &r) {
		return nil, false
	}
	return r.answer, true
}

// SetRefusalAside runs fn on tx; a refusal it returns is set aside as
// *answer and fn counts as succeeded, so that the transaction commits. A
// Store's Write (or a wrapper of one) returns *answer once committed.
func SetRefusalAside(fn func(Tx) error, tx Tx, answer *error) error {
	err := fn(tx)
	if a, ok := RefusalAnswer(err); ok {
		*answer = a
		return nil
	}
	*answer = nil
	return err
}
