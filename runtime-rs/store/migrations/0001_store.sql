-- Rappel's store: workflow versions, instances leased whole, each instance's
-- completion log and its latest snapshot. Every hot-path table is keyed by
-- instance id (docs/architecture.md, "Runtime storage").

CREATE TABLE workflow_versions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    -- Hex SHA-256 of the .rrl text, computed by Postgres from the text itself.
    ir_hash     text NOT NULL,
    rrl_text    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, ir_hash)
);

CREATE TYPE instance_state AS ENUM ('queued', 'running', 'sleeping', 'completed', 'failed');

CREATE TABLE instances (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    version_id        bigint NOT NULL REFERENCES workflow_versions (id),
    -- The workflow's arguments in the value codec's JSON.
    arguments         jsonb NOT NULL,
    state             instance_state NOT NULL DEFAULT 'queued',
    -- The result or the exception, in the codec's JSON, once finished.
    outcome           jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    lease_owner       text,
    lease_expires_at  timestamptz,
    wake_at           timestamptz,
    -- When a leaser may take the instance: queued from its creation, sleeping
    -- at its timer, running when its lease runs out; never once finished.
    -- One partial index on it serves every lease query.
    runnable_at       timestamptz GENERATED ALWAYS AS (
        CASE state
            WHEN 'queued' THEN created_at
            WHEN 'sleeping' THEN wake_at
            WHEN 'running' THEN lease_expires_at
        END
    ) STORED
);

CREATE INDEX instances_runnable ON instances (runnable_at) WHERE runnable_at IS NOT NULL;

-- The executor's completions, in the order the lease owner applied them.
-- Replaying them over the instance's program and arguments rebuilds it.
-- No foreign key: a row is only appended by the instance's lease holder
-- (the append joins instances), and a key check would lock the instance row
-- for every appended completion.
CREATE TABLE completions (
    instance_id   uuid NOT NULL,
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    operation_id  text NOT NULL,
    -- 0 for a completion that answers no attempt (a durable sleep).
    attempt       bigint NOT NULL,
    completion    jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, operation_id, attempt)
);

CREATE INDEX completions_in_order ON completions (instance_id, seq);

-- The latest snapshot of an instance's state, covering its log up to seq.
CREATE TABLE snapshots (
    instance_id  uuid PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
    seq          bigint NOT NULL,
    state        jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
