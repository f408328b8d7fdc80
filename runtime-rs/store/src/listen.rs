//! LISTEN/NOTIFY with a poll fallback: a notification wakes a waiter at
//! once; the poll interval bounds the wait when one is lost (a dropped
//! connection, a timer coming due, which nothing notifies).

use std::collections::VecDeque;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::time::Instant;

use crate::error::{Doing, Result};
use crate::{Channels, InstanceId};

/// Why a listener woke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// This instance finished. (One notification names every instance a
    /// statement finished, up to a hundred; the listener hands them out one
    /// by one.)
    Finished(InstanceId),
    /// Instances were queued or released: there may be work to lease.
    Work,
    /// The poll interval passed without a notification: look again.
    Poll,
}

/// Holds one connection of the pool while it lives.
pub struct Listener {
    listener: PgListener,
    channels: Channels,
    poll_interval: Duration,
    /// Finished instances received and not handed out yet.
    finished: VecDeque<InstanceId>,
}

impl Listener {
    pub(crate) async fn connect(
        pool: &PgPool,
        channels: &Channels,
        poll_interval: Duration,
    ) -> Result<Self> {
        let mut listener = PgListener::connect_with(pool)
            .await
            .doing("open a notification listener")?;
        listener
            .listen_all([channels.work.as_str(), channels.finished.as_str()])
            .await
            .doing("listen for notifications")?;
        Ok(Listener {
            listener,
            channels: channels.clone(),
            poll_interval,
            finished: VecDeque::new(),
        })
    }

    /// The next notification, or `Event::Poll` after the poll interval.
    pub async fn next(&mut self) -> Result<Event> {
        self.next_before(Instant::now() + self.poll_interval).await
    }

    /// The next notification, or `Event::Poll` at the poll interval or at
    /// `deadline`, whichever comes first.
    pub async fn next_before(&mut self, deadline: Instant) -> Result<Event> {
        let until = deadline.min(Instant::now() + self.poll_interval);
        loop {
            if let Some(id) = self.finished.pop_front() {
                return Ok(Event::Finished(id));
            }
            let notification = match tokio::time::timeout_at(until, self.listener.recv()).await {
                Err(_elapsed) => return Ok(Event::Poll),
                Ok(received) => received.doing("receive a notification")?,
            };
            if notification.channel() == self.channels.work {
                return Ok(Event::Work);
            }
            if notification.channel() == self.channels.finished {
                let ids = notification.payload().split(',');
                self.finished
                    .extend(ids.filter_map(|id| InstanceId::parse(id).ok()));
            }
        }
    }
}
