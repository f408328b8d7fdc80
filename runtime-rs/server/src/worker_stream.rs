//! The WorkerBridge service: the gRPC stream each Python worker opens
//! (`proto/rappel/v1/worker.proto`). It owns no state: a worker's Hello, its
//! results and the end of its stream become `WorkerEvent`s for the
//! dispatcher, which answers through the worker's outbox.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

use crate::proto::worker_bridge_server::{WorkerBridge, WorkerBridgeServer};
use crate::proto::worker_message::Kind;
use crate::proto::{Hello, Result as ActionResult, RuntimeMessage, WorkerMessage};

/// Names one attached stream (a worker id may come back on a new stream).
pub type StreamKey = u64;

/// What happens on the worker streams, in the order it happens on each.
#[derive(Debug)]
pub enum WorkerEvent {
    Joined {
        key: StreamKey,
        hello: Hello,
        /// Messages for the worker; dropping it ends the stream.
        outbox: mpsc::UnboundedSender<RuntimeMessage>,
    },
    Results {
        key: StreamKey,
        results: Vec<ActionResult>,
    },
    /// The stream ended: the worker drained, exited or died.
    Left {
        key: StreamKey,
        /// Why, when it did not end cleanly.
        error: Option<String>,
    },
}

/// The service; `into_server` makes it a tonic service.
pub struct WorkerStreams {
    events: mpsc::UnboundedSender<WorkerEvent>,
    next_key: AtomicU64,
}

/// Dispatch batches may be large: accept and send messages up to this.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

impl WorkerStreams {
    pub fn new(events: mpsc::UnboundedSender<WorkerEvent>) -> Self {
        WorkerStreams {
            events,
            next_key: AtomicU64::new(1),
        }
    }

    pub fn into_server(self) -> WorkerBridgeServer<WorkerStreams> {
        WorkerBridgeServer::new(self)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
    }
}

type Outbound = Pin<Box<dyn Stream<Item = Result<RuntimeMessage, Status>> + Send>>;

#[tonic::async_trait]
impl WorkerBridge for WorkerStreams {
    type AttachStream = Outbound;

    async fn attach(
        &self,
        request: Request<Streaming<WorkerMessage>>,
    ) -> Result<Response<Outbound>, Status> {
        let mut inbound = request.into_inner();
        let hello = match inbound.message().await? {
            Some(WorkerMessage {
                kind: Some(Kind::Hello(hello)),
            }) => hello,
            _ => {
                return Err(Status::invalid_argument(
                    "a worker's first message on the stream is its Hello",
                ));
            }
        };
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let (outbox, messages) = mpsc::unbounded_channel();
        let joined = WorkerEvent::Joined { key, hello, outbox };
        if self.events.send(joined).is_err() {
            return Err(Status::unavailable("the runtime is shutting down"));
        }
        let events = self.events.clone();
        tokio::spawn(async move {
            let error = loop {
                match inbound.message().await {
                    Ok(Some(WorkerMessage {
                        kind: Some(Kind::Results(batch)),
                    })) => {
                        let results = batch.results;
                        if events.send(WorkerEvent::Results { key, results }).is_err() {
                            return;
                        }
                    }
                    // Heartbeats name what the worker still runs; the
                    // dispatcher's own deadlines decide timeouts.
                    Ok(Some(_)) => {}
                    Ok(None) => break None,
                    Err(status) => break Some(status.message().to_string()),
                }
            };
            let _ = events.send(WorkerEvent::Left { key, error });
        });
        let outbound = UnboundedReceiverStream::new(messages).map(Ok);
        Ok(Response::new(Box::pin(outbound)))
    }
}
