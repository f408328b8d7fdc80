-- Idempotent start: a client's key names at most one instance per workflow
-- name (not per version, so a redeploy cannot start a duplicate). The row is
-- written in the same statement as the instance it names and goes with it.
CREATE TABLE idempotency_keys (
    workflow_name  text NOT NULL,
    key            text NOT NULL,
    instance_id    uuid NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    PRIMARY KEY (workflow_name, key)
);

-- Serves the cascade when an instance is deleted.
CREATE INDEX idempotency_keys_instance ON idempotency_keys (instance_id);
