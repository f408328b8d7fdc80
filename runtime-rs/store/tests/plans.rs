//! How the hot path's statements are planned (tests/support: one schema per
//! test). A connection that caches a generic plan makes it from the table
//! sizes of that moment; on a young database (a few hundred rows) that plan
//! scans `instances` whole, and it would stay in use while the table grows. The store's
//! connections plan each execution for the tables as they are.

mod support;

use sqlx::Row;
use sqlx::postgres::PgConnection;
use support::TestSchema;

const PER_INSTANCE_TABLES: [&str; 4] = ["instances", "completions", "snapshots", "timers"];

/// A batch's worth of one value, as an array literal.
fn batch_of(value: &str, kind: &str) -> String {
    format!("'{{{}}}'::{kind}[]", vec![value; 64].join(","))
}

/// 64 ids (not in the tables: what matters is the plan).
fn ids(kind: &str) -> String {
    let ids: Vec<String> = (0..64)
        .map(|n| format!("00000000-0000-4000-8000-{n:012x}"))
        .collect();
    format!("'{{{}}}'::{kind}[]", ids.join(","))
}

/// The statements of the dispatcher's and the client's hot path, with
/// arguments the size of a batch.
fn hot() -> Vec<(&'static str, &'static str, String)> {
    let (texts, ones) = (batch_of("x", "text"), batch_of("1", "bigint"));
    let (ids, uuids) = (ids("text"), ids("uuid"));
    vec![
        (
            "lease_instances",
            include_str!("../src/sql/lease_instances.sql"),
            "'owner', 64, 60000".to_string(),
        ),
        (
            "write_log",
            include_str!("../src/sql/write_log.sql"),
            format!("'owner', {ids}, {texts}, {ones}, {texts}, {ids}, {texts}, {texts}, 'c'"),
        ),
        (
            "renew_leases",
            include_str!("../src/sql/renew_leases.sql"),
            format!("'owner', {uuids}, 60000"),
        ),
        (
            "load_instances",
            include_str!("../src/sql/load_instances.sql"),
            uuids.clone(),
        ),
        (
            "get_status",
            include_str!("../src/sql/get_status.sql"),
            uuids.clone(),
        ),
        (
            "set_wake",
            include_str!("../src/sql/set_wake.sql"),
            format!("'owner', {ids}, {ones}"),
        ),
        (
            "save_snapshots",
            include_str!("../src/sql/save_snapshots.sql"),
            format!("'owner', {ids}, {ones}, {texts}"),
        ),
        (
            "record_timers",
            include_str!("../src/sql/record_timers.sql"),
            format!("'owner', {ids}, {texts}, {ones}, {ones}"),
        ),
        (
            "release",
            include_str!("../src/sql/release.sql"),
            format!("'owner', {uuids}, 'c'"),
        ),
    ]
}

/// Fills `instances` to `count` finished instances of one completion each,
/// without `ANALYZE`, as a young database grows.
async fn fill_to(connection: &mut PgConnection, count: usize) {
    sqlx::raw_sql(&format!(
        "INSERT INTO workflow_versions (name, ir_hash, rrl_text) VALUES ('w', 'h', '') \
             ON CONFLICT DO NOTHING;
         INSERT INTO instances (version_id, arguments, state, outcome) \
             SELECT (SELECT min(id) FROM workflow_versions), '{{\"name\": \"someone\"}}', \
                 'completed', 'null' \
             FROM generate_series(1, {count} - (SELECT count(*) FROM instances));
         INSERT INTO completions (instance_id, operation_id, attempt, completion) \
             SELECT id, '1', 1, '{{\"returned\": null}}' FROM instances \
             WHERE NOT EXISTS (SELECT 1 FROM completions WHERE instance_id = instances.id)"
    ))
    .execute(connection)
    .await
    .expect("fill the tables");
}

async fn plan_of(connection: &mut PgConnection, name: &str, arguments: &str) -> String {
    let lines: Vec<String> = sqlx::raw_sql(&format!("EXPLAIN EXECUTE {name}({arguments})"))
        .fetch_all(connection)
        .await
        .unwrap_or_else(|error| panic!("explain {name}: {error}"))
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
    lines.join("\n")
}

/// No per-instance table is read whole by `plan` (at 20,000 instances).
fn assert_reads_no_table_whole(name: &str, plan: &str) {
    for table in PER_INSTANCE_TABLES {
        assert!(
            !plan.contains(&format!("Seq Scan on {table} ")),
            "{name} scans {table} whole at 20,000 instances:\n{plan}"
        );
    }
}

async fn prepare(connection: &mut PgConnection, name: &str, sql: &str) {
    sqlx::raw_sql(&format!("PREPARE {name} AS {sql}"))
        .execute(&mut *connection)
        .await
        .unwrap_or_else(|error| panic!("prepare {name}: {error}"));
}

async fn forget_prepared(connection: &mut PgConnection) {
    sqlx::raw_sql("DEALLOCATE ALL")
        .execute(&mut *connection)
        .await
        .expect("forget the prepared statements");
}

#[tokio::test]
async fn statements_prepared_on_small_tables_reach_rows_by_index_once_the_tables_grow() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let mut connection = store.pool().acquire().await.expect("a connection");
    // Prepared and run while the tables are small (a plan made then reads a
    // few pages whole rather than probe an index), more often than a
    // session runs a statement before it may switch to a generic plan.
    fill_to(&mut connection, 500).await;
    for (name, sql, arguments) in hot() {
        prepare(&mut connection, name, sql).await;
        for _ in 0..8 {
            sqlx::raw_sql(&format!("EXECUTE {name}({arguments})"))
                .execute(&mut *connection)
                .await
                .unwrap_or_else(|error| panic!("execute {name}: {error}"));
        }
    }
    fill_to(&mut connection, 20_000).await;
    for (name, _, arguments) in hot() {
        let plan = plan_of(&mut connection, name, &arguments).await;
        assert_reads_no_table_whole(name, &plan);
    }
    forget_prepared(&mut connection).await;
}

/// The web dashboard's statements (src/sql/dashboard/), with the arguments
/// its pages give them.
fn dashboard() -> Vec<(&'static str, &'static str, String)> {
    let states = "'{queued,running,sleeping,completed,failed,cancelled}'::text[]";
    let some_id = "'00000000-0000-4000-8000-000000000001'";
    vec![
        (
            "overview_counts",
            include_str!("../src/sql/dashboard/overview_counts.sql"),
            "10000, 500".to_string(),
        ),
        (
            "overview_queue",
            include_str!("../src/sql/dashboard/overview_queue.sql"),
            "10000".to_string(),
        ),
        (
            "list_newest",
            include_str!("../src/sql/dashboard/list_instances.sql"),
            format!("NULL, NULL, {states}, NULL, 51, 500"),
        ),
        (
            "list_filtered_after",
            include_str!("../src/sql/dashboard/list_instances.sql"),
            format!("'w', NULL, '{{failed}}'::text[], {some_id}, 51, 500"),
        ),
        (
            "instance",
            include_str!("../src/sql/dashboard/instance.sql"),
            some_id.to_string(),
        ),
        (
            "instance_log",
            include_str!("../src/sql/dashboard/instance_log.sql"),
            format!("{some_id}, 1001"),
        ),
        (
            "instance_timers",
            include_str!("../src/sql/dashboard/instance_timers.sql"),
            some_id.to_string(),
        ),
    ]
}

#[tokio::test]
async fn the_dashboard_reads_ranges_of_indexes_never_whole_tables() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let mut connection = store.pool().acquire().await.expect("a connection");
    fill_to(&mut connection, 20_000).await;
    for (name, sql, arguments) in dashboard() {
        prepare(&mut connection, name, sql).await;
        let plan = plan_of(&mut connection, name, &arguments).await;
        assert_reads_no_table_whole(name, &plan);
    }
    forget_prepared(&mut connection).await;
}
