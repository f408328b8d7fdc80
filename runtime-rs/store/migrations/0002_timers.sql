-- The absolute deadline of each durable timer (a sleep, or the backoff before
-- a retry), written when the executor first issues it: an instance rebuilt
-- after a restart waits for what is left of it, not for the whole delay again.
CREATE TABLE timers (
    instance_id  uuid NOT NULL,
    operation_id text NOT NULL,
    -- 0 for a sleep; the attempt a backoff precedes.
    attempt      bigint NOT NULL,
    due_at       timestamptz NOT NULL,
    PRIMARY KEY (instance_id, operation_id, attempt)
);
