//! `rappel.v1.Workflows` over the bridge.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rappel_store::{InstanceState, InstanceStatus};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use super::{Arguments, Bridge, BridgeError, MAX_GRPC_MESSAGE_BYTES, StartRequest};
use crate::proto::instance_status::{Outcome, State};
use crate::proto::workflows_server::{Workflows, WorkflowsServer};
use crate::proto::{
    CancelWorkflowRequest, CancelWorkflowResponse, GetStatusRequest, InstanceStatus as WireStatus,
    InstanceStatuses, RegisterWorkflowRequest, RegisterWorkflowResponse, StartWorkflowRequest,
    StartWorkflowResponse, StartWorkflowsRequest, StartWorkflowsResponse, WaitForResultRequest,
    WaitForResultsRequest,
};

pub(super) async fn serve(
    bridge: Arc<Bridge>,
    listener: TcpListener,
    signal: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let service = WorkflowsServer::new(Service { bridge })
        .max_decoding_message_size(MAX_GRPC_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_GRPC_MESSAGE_BYTES);
    tonic::transport::Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), signal)
        .await
        .map_err(std::io::Error::other)
}

struct Service {
    bridge: Arc<Bridge>,
}

impl From<BridgeError> for Status {
    fn from(error: BridgeError) -> Status {
        let message = error.to_string();
        match error {
            BridgeError::InvalidArgument(_) => Status::invalid_argument(message),
            BridgeError::NotFound(_) => Status::not_found(message),
            BridgeError::FailedPrecondition(_) => Status::failed_precondition(message),
            // Postgres is down or busy: the client may retry.
            BridgeError::Store(_) | BridgeError::Unavailable(_) => Status::unavailable(message),
        }
    }
}

fn wire_status(status: InstanceStatus) -> WireStatus {
    let state = match status.state {
        InstanceState::Queued => State::Queued,
        InstanceState::Running => State::Running,
        InstanceState::Sleeping => State::Sleeping,
        InstanceState::Completed => State::Completed,
        InstanceState::Failed => State::Failed,
        InstanceState::Cancelled => State::Cancelled,
    };
    let outcome = status.outcome.map(|text| match status.state {
        InstanceState::Failed => Outcome::Exception(text.into_bytes()),
        _ => Outcome::Value(text.into_bytes()),
    });
    WireStatus {
        instance_id: status.id.to_string(),
        state: state.into(),
        outcome,
    }
}

type StatusStream = Pin<Box<dyn Stream<Item = Result<InstanceStatuses, Status>> + Send>>;

#[tonic::async_trait]
impl Workflows for Service {
    type WaitForResultsStream = StatusStream;

    async fn register_workflow(
        &self,
        request: Request<RegisterWorkflowRequest>,
    ) -> Result<Response<RegisterWorkflowResponse>, Status> {
        let request = request.into_inner();
        let version = self
            .bridge
            .register(&request.workflow, &request.rrl)
            .await?;
        Ok(Response::new(RegisterWorkflowResponse {
            version_id: version.id.to_string(),
            ir_hash: version.ir_hash,
        }))
    }

    async fn start_workflow(
        &self,
        request: Request<StartWorkflowRequest>,
    ) -> Result<Response<StartWorkflowResponse>, Status> {
        let request = request.into_inner();
        let start = StartRequest {
            version_id: &request.version_id,
            arguments: Arguments::Bytes(&request.arguments),
            idempotency_key: request.idempotency_key.as_deref(),
        };
        let started = self.bridge.start(std::slice::from_ref(&start)).await?;
        let started = started
            .into_iter()
            .next()
            .ok_or_else(|| Status::internal("the store started no instance"))?;
        Ok(Response::new(StartWorkflowResponse {
            instance_id: started.id.to_string(),
            existing: started.existing,
        }))
    }

    async fn start_workflows(
        &self,
        request: Request<StartWorkflowsRequest>,
    ) -> Result<Response<StartWorkflowsResponse>, Status> {
        let request = request.into_inner();
        let starts: Vec<StartRequest<'_>> = request
            .starts
            .iter()
            .map(|start| StartRequest {
                version_id: &start.version_id,
                arguments: Arguments::Bytes(&start.arguments),
                idempotency_key: start.idempotency_key.as_deref(),
            })
            .collect();
        let started = self.bridge.start(&starts).await?;
        Ok(Response::new(StartWorkflowsResponse {
            instance_ids: started.iter().map(|s| s.id.to_string()).collect(),
            existing: started.iter().map(|s| s.existing).collect(),
        }))
    }

    async fn wait_for_result(
        &self,
        request: Request<WaitForResultRequest>,
    ) -> Result<Response<WireStatus>, Status> {
        let request = request.into_inner();
        let status = self
            .bridge
            .wait(&request.instance_id, request.timeout_seconds)
            .await?;
        Ok(Response::new(wire_status(status)))
    }

    async fn wait_for_results(
        &self,
        request: Request<WaitForResultsRequest>,
    ) -> Result<Response<StatusStream>, Status> {
        let request = request.into_inner();
        let (send, statuses) = mpsc::unbounded_channel();
        let bridge = Arc::clone(&self.bridge);
        tokio::spawn(async move {
            bridge
                .wait_all(&request.instance_ids, request.timeout_seconds, send)
                .await;
        });
        let stream = UnboundedReceiverStream::new(statuses).map(|batch| {
            Ok(InstanceStatuses {
                statuses: batch?.into_iter().map(wire_status).collect(),
            })
        });
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_status(
        &self,
        request: Request<GetStatusRequest>,
    ) -> Result<Response<WireStatus>, Status> {
        let status = self
            .bridge
            .status(&request.into_inner().instance_id)
            .await?;
        Ok(Response::new(wire_status(status)))
    }

    async fn cancel_workflow(
        &self,
        request: Request<CancelWorkflowRequest>,
    ) -> Result<Response<CancelWorkflowResponse>, Status> {
        let (cancelled, status) = self
            .bridge
            .cancel(&request.into_inner().instance_id)
            .await?;
        Ok(Response::new(CancelWorkflowResponse {
            cancelled,
            status: Some(wire_status(status)),
        }))
    }
}
