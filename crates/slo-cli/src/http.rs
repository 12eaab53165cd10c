//! A GET over plain HTTP, all `slo backtest --prometheus` needs of a client: HTTP/1.0, so
//! the server answers with the body as it is (no chunking) and closes the connection when
//! done. No TLS: an `https://` URL is refused with a message saying so (reach such a server
//! through a local tunnel or proxy, or save its answers and pass them as files).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Long enough for a server to answer 11,000 points of a heavy query, short enough that a
/// silent server is reported.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A server's base URL, `http://host[:port][/prefix]`.
pub struct BaseUrl {
    host: String,
    port: u16,
    prefix: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let allowed = "allowed: http://host[:port][/path], such as http://127.0.0.1:9090";
        if text.starts_with("https://") {
            return Err(format!("“{text}” uses https, which this command does not speak; {allowed} (a local tunnel or proxy reaches an https server)"));
        }
        let rest = text
            .strip_prefix("http://")
            .ok_or_else(|| format!("“{text}” is not an http:// URL; {allowed}"))?;
        let (authority, prefix) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = match authority.rsplit_once(':') {
            // In `[::1]` alone the colons are the address's, not a port's.
            Some((host, port)) if !port.ends_with(']') => {
                let port = port
                    .parse::<u16>()
                    .map_err(|_| format!("“{text}” has port “{port}”; {allowed}"))?;
                (host, port)
            }
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("“{text}” names no host; {allowed}"));
        }
        Ok(BaseUrl {
            host: host.to_string(),
            port,
            prefix: prefix.trim_end_matches('/').to_string(),
        })
    }

    /// GETs `path` (with its query string) below the base URL: the status code and body.
    pub fn get(&self, path: &str) -> Result<(u16, String), String> {
        let (host, port) = (self.host.trim_matches(['[', ']']), self.port);
        let unreachable = |e: std::io::Error| format!("cannot reach {host}:{port}: {e}");
        let address = (host, port)
            .to_socket_addrs()
            .map_err(unreachable)?
            .next()
            .ok_or_else(|| format!("cannot reach {host}:{port}: the name has no address"))?;
        let mut stream = TcpStream::connect_timeout(&address, TIMEOUT).map_err(unreachable)?;
        stream
            .set_read_timeout(Some(TIMEOUT))
            .map_err(unreachable)?;
        let request = format!(
            "GET {}{path} HTTP/1.0\r\nHost: {}:{port}\r\nAccept: application/json\r\n\r\n",
            self.prefix, self.host
        );
        stream.write_all(request.as_bytes()).map_err(unreachable)?;
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .map_err(|e| format!("{host}:{port} stopped answering: {e}"))?;
        let text = String::from_utf8_lossy(&answer);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("{host}:{port} answered something other than HTTP"))?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse::<u16>().ok())
            .filter(|_| head.starts_with("HTTP/"))
            .ok_or_else(|| format!("{host}:{port} answered something other than HTTP"))?;
        Ok((status, body.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::BaseUrl;

    fn parts(text: &str) -> (String, u16, String) {
        let url = BaseUrl::parse(text).unwrap();
        (url.host, url.port, url.prefix)
    }

    #[test]
    fn base_urls_give_host_port_and_path_prefix() {
        let p = |host: &str, port, prefix: &str| (host.to_string(), port, prefix.to_string());
        assert_eq!(parts("http://127.0.0.1:9090"), p("127.0.0.1", 9090, ""));
        assert_eq!(parts("http://prom/"), p("prom", 80, ""));
        assert_eq!(
            parts("http://prom:80/mon/prom/"),
            p("prom", 80, "/mon/prom")
        );
        assert_eq!(parts("http://[::1]:9090"), p("[::1]", 9090, ""));
        assert_eq!(parts("http://[::1]"), p("[::1]", 80, ""));
    }

    #[test]
    fn other_urls_are_refused_saying_what_is_allowed() {
        let error = |text: &str| BaseUrl::parse(text).err().unwrap();
        assert!(error("https://prom:9090").contains("uses https"));
        assert!(error("prom:9090").contains("is not an http:// URL"));
        assert!(error("http://prom:port").contains("has port “port”"));
        assert!(error("http://:9090").contains("names no host"));
    }
}
