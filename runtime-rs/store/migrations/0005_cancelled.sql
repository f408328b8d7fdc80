-- Cancellation: a final state beside completed and failed. A cancelled
-- instance has no outcome, holds no lease and is never runnable again (the
-- runnable_at expression of 0001 gives NULL for any state it does not name),
-- and every write of a lease holder requires state 'running', so nothing is
-- appended to it or finished on it after the cancel commits.
ALTER TYPE instance_state ADD VALUE 'cancelled';
