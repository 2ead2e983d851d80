//! Loopback ports for the processes a test starts (chromedriver, nginx).

use std::time::Duration;

use crate::Result;

/// A port the OS says is free right now (the process binds it a moment later).
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Waits up to 5 s until something accepts connections on 127.0.0.1:`port`.
pub async fn wait_until_listening(port: u16, what: &str) -> Result<()> {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{what} never listened on port {port}").into())
}
