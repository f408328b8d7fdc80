-- What the dashboard's health page says of the store: the server's version,
-- the last migration applied, the database's size and the planner's
-- estimate of the instances (pg_class: no count).
SELECT current_setting('server_version') AS server_version,
    (SELECT max(version) FROM _sqlx_migrations WHERE success) AS migration,
    pg_database_size(current_database()) AS database_bytes,
    (SELECT greatest(reltuples, 0)::bigint FROM pg_class
        WHERE oid = to_regclass('instances')) AS instances_estimate
