-- $1 workflow name, $2 .rrl text. Versions are immutable: registering the
-- same text again returns the existing row.
WITH version AS (
    SELECT $1::text AS name, encode(sha256(convert_to($2::text, 'UTF8')), 'hex') AS ir_hash
), inserted AS (
    INSERT INTO workflow_versions (name, ir_hash, rrl_text)
    SELECT name, ir_hash, $2::text FROM version
    ON CONFLICT (name, ir_hash) DO NOTHING
    RETURNING id, ir_hash
)
SELECT id, ir_hash FROM inserted
UNION ALL
SELECT w.id, w.ir_hash FROM workflow_versions w JOIN version USING (name, ir_hash)
LIMIT 1
