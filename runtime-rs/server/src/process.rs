//! What every runtime process does the same way: start its async runtime,
//! connect to the store while Postgres may still be starting, show where
//! without secrets, and stop on SIGTERM or Ctrl-C.

use std::time::Duration;

use rappel_store::{Store, StoreConfig, StoreError};
use sqlx::postgres::PgConnectOptions;

const FIRST_RETRY: Duration = Duration::from_millis(500);
const LONGEST_RETRY: Duration = Duration::from_secs(10);
const SLOW_CONNECT: Duration = Duration::from_secs(2);

/// Runs `main` to completion on a multi-threaded tokio runtime; `None` (said
/// on stderr) when the runtime itself cannot start.
pub fn block_on<F: Future>(process: &str, main: F) -> Option<F::Output> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime.block_on(main)),
        Err(error) => {
            eprintln!("{process}: error: cannot start the async runtime: {error}");
            None
        }
    }
}

/// The store, once Postgres answers: an unreachable database is retried
/// with a growing delay, and said on stderr (the target, never the password).
pub async fn connect(process: &str, config: StoreConfig) -> Result<Store, String> {
    let mut delay = FIRST_RETRY;
    let mut attempt = 1u32;
    loop {
        let connecting = Store::connect_with(config.clone());
        tokio::pin!(connecting);
        // An unreachable server takes the pool's whole acquire timeout to
        // fail: say what the bridge waits for meanwhile.
        let connected = tokio::select! {
            connected = &mut connecting => connected,
            () = tokio::time::sleep(SLOW_CONNECT), if attempt == 1 => {
                eprintln!(
                    "{process}: waiting for Postgres at {} (RAPPEL_DATABASE_URL)",
                    without_secrets(&config.url)
                );
                connecting.await
            }
        };
        match connected {
            Ok(store) => {
                if attempt > 1 {
                    eprintln!("{process}: connected to Postgres after {attempt} attempts");
                }
                return Ok(store);
            }
            Err(error @ StoreError::Connect { .. }) => {
                eprintln!(
                    "{process}: {error} (attempt {attempt}); retrying in {:.1}s",
                    delay.as_secs_f64()
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(LONGEST_RETRY);
                attempt += 1;
            }
            Err(error) => return Err(error.to_string()),
        }
    }
}

/// Where the URL points, as the store reads it, without the password (or
/// anything else of the URL): `user@host:port/database`.
pub fn without_secrets(url: &str) -> String {
    match url.parse::<PgConnectOptions>() {
        Ok(options) => format!(
            "{}@{}:{}/{}",
            options.get_username(),
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        ),
        Err(_) => "the configured URL".to_string(),
    }
}

/// SIGTERM or SIGINT (Ctrl-C).
pub async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = terminate => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::without_secrets;

    #[test]
    fn the_shown_url_has_no_password() {
        for (url, shown) in [
            (
                "postgresql://app:pw@db.internal:5432/rappel",
                "app@db.internal:5432/rappel",
            ),
            (
                "postgres://app:p%40ss@db/rappel?password=pw&sslmode=require",
                "app@db:5432/rappel",
            ),
            (
                "postgresql://postgres@localhost/rappel?host=/tmp/pg",
                "postgres@localhost:5432/rappel",
            ),
        ] {
            assert_eq!(without_secrets(url), shown);
        }
    }
}
