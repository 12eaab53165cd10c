//! The proxy-wasm shell: the root context (configuration, tick) of each VM; what it keeps
//! per SLO is in `plugin`, what each request does in `request`.

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{ContextType, LogLevel};
use slo_core::filter_config::FilterConfig;
use std::rc::Rc;
use std::time::Duration;

mod plugin;
mod request;

use plugin::Plugin;
use request::Request;

proxy_wasm::main! {{
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { plugin: None }) });
}}

struct Root {
    plugin: Option<Rc<Plugin>>,
}

fn log(level: LogLevel, message: &str) {
    let _ = hostcalls::log(level, message);
}

impl Context for Root {
    /// Envoy retires this configuration (a reload replaced it and its connections have
    /// drained, or Envoy stops): the requests judged since the last tick would be lost
    /// with it, so they go to Envoy's counters now, where the new configuration reads them.
    fn on_done(&mut self) -> bool {
        if let Some(plugin) = &self.plugin {
            plugin.flush();
        }
        true
    }
}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let bytes = match hostcalls::get_buffer(
            proxy_wasm::types::BufferType::PluginConfiguration,
            0,
            usize::MAX,
        ) {
            Ok(Some(bytes)) => bytes,
            _ => {
                log(LogLevel::Error, "slo-filter: configuration rejected: the filter needs a configuration: {\"spec\": {...}}");
                return false;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let config = match FilterConfig::from_json(&text) {
            Ok(config) => config,
            Err(errors) => {
                for error in &errors {
                    log(
                        LogLevel::Error,
                        &format!("slo-filter: configuration rejected: {error}"),
                    );
                }
                return false;
            }
        };
        let tick = config.tick_seconds;
        let count = config.spec.request_slos().count();
        let counting = config.counting.as_str();
        let not_judged: Vec<String> = config
            .spec
            .slos()
            .filter(|slo| slo.sli.request().is_none())
            .map(|slo| {
                format!(
                    "slo-filter: SLO {} is not judged here: its SLI is Prometheus series, for slo rules",
                    slo.name
                )
            })
            .collect();
        match Plugin::new(config) {
            Ok(plugin) => self.plugin = Some(Rc::new(plugin)),
            Err(status) => {
                log(
                    LogLevel::Error,
                    &format!(
                        "slo-filter: configuration rejected: defining metrics failed: {status:?}"
                    ),
                );
                return false;
            }
        }
        if hostcalls::set_tick_period(Duration::from_secs(tick)).is_err() {
            log(
                LogLevel::Error,
                "slo-filter: configuration rejected: the tick timer could not be set",
            );
            return false;
        }
        // Said once, here: the filter has nothing to do for these on any request.
        for message in &not_judged {
            log(LogLevel::Info, message);
        }
        log(
            LogLevel::Info,
            &format!(
                "slo-filter: configured {count} SLOs, tick every {tick}s, {counting} counting"
            ),
        );
        true
    }

    fn on_tick(&mut self) {
        if let Some(plugin) = &self.plugin {
            if let Some(now) = plugin.now() {
                let statuses = plugin.refresh(now);
                plugin.publish(&statuses);
            }
        }
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        let plugin = self.plugin.clone()?;
        Some(Box::new(Request {
            plugin,
            answered: false,
            path: None,
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}
