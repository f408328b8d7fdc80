//! Finding a running bridge: `GET /healthz` over a plain HTTP/1.1 request
//! (`boot-rappel-singleton` needs nothing more, and no async runtime).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// What a bridge's `/healthz` says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Health {
    pub http_port: u16,
    pub grpc_port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Nothing listens there.
    #[error("nothing answers on {addr}: {source}")]
    NoAnswer {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// Something listens there, but it is not a rappel bridge.
    #[error("{addr} is taken by something that is not a rappel bridge ({what})")]
    NotABridge { addr: SocketAddr, what: String },
}

/// An HTTP response: its status code and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// One HTTP/1.1 request to `addr` on a fresh connection, closed after it.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    timeout: Duration,
) -> std::io::Result<HttpResponse> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let body = body.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| {
        let start = String::from_utf8_lossy(&raw[..raw.len().min(60)]).into_owned();
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not an HTTP response: {start:?}"),
        )
    })
}

fn parse_response(raw: &[u8]) -> Option<HttpResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/1.") {
        return None;
    }
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let chunked = lines.any(|line| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with("transfer-encoding:") && lower.contains("chunked")
    });
    let payload = &raw[split + 4..];
    let body = if chunked {
        dechunk(payload)?
    } else {
        payload.to_vec()
    };
    Some(HttpResponse {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Asks `addr` whether it is a rappel bridge.
pub fn probe(addr: SocketAddr, timeout: Duration) -> Result<Health, ProbeError> {
    let response = match request(addr, "GET", "/healthz", None, timeout) {
        Ok(response) => response,
        Err(source) if source.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err(ProbeError::NoAnswer { addr, source });
        }
        // It accepted the connection but gave no HTTP answer.
        Err(source) => {
            return Err(ProbeError::NotABridge {
                addr,
                what: format!("GET /healthz failed: {source}"),
            });
        }
    };
    let not_a_bridge = |what: String| ProbeError::NotABridge { addr, what };
    if response.status != 200 {
        return Err(not_a_bridge(format!(
            "GET /healthz answered HTTP {}",
            response.status
        )));
    }
    let data: serde_json::Value = serde_json::from_str(&response.body)
        .map_err(|_| not_a_bridge("GET /healthz did not answer JSON".to_string()))?;
    if data.get("service").and_then(|s| s.as_str()) != Some("rappel-bridge") {
        return Err(not_a_bridge(format!("GET /healthz answered {data}")));
    }
    let port = |name: &str| {
        data.get(name)
            .and_then(serde_json::Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| not_a_bridge(format!("GET /healthz answered no {name}: {data}")))
    };
    Ok(Health {
        http_port: port("http_port")?,
        grpc_port: port("grpc_port")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_parse_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(
            parse_response(plain),
            Some(HttpResponse {
                status: 200,
                body: "{}".to_string()
            })
        );
        let chunked =
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(
            parse_response(chunked).map(|r| r.body),
            Some("abcde".to_string())
        );
        assert_eq!(parse_response(b"SSH-2.0-OpenSSH\r\n\r\n"), None);
    }
}
