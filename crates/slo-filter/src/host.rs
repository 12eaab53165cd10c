//! The host calls the filter makes on request and tick paths, without the SDK's panics:
//! the SDK's getters, metric calls and `send_http_response` panic on a status they do not
//! expect, and a panic in the VM stops the filter on that worker. Here every status is an
//! `Err`.

/// The proxy-wasm map encoding: the pair count, each pair's name and value sizes (all u32
/// little-endian), then each name and value followed by a NUL.
pub fn encode_pairs(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
    for (name, value) in pairs {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
    }
    for (name, value) in pairs {
        for part in [name, value] {
            out.extend_from_slice(part.as_bytes());
            out.push(0);
        }
    }
    out
}

/// Reads the map encoding; `None` if it is malformed.
pub fn decode_pairs(bytes: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    if bytes.is_empty() {
        return Some(Vec::new());
    }
    let word = |at: usize| -> Option<usize> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    let count = word(0)?;
    let mut data = count.checked_mul(8)?.checked_add(4)?;
    let mut pairs = Vec::with_capacity(count.min(bytes.len() / 10));
    for i in 0..count {
        let (name_len, value_len) = (word(4 + i * 8)?, word(8 + i * 8)?);
        let name = bytes.get(data..data.checked_add(name_len)?)?;
        data += name_len + 1;
        let value = bytes.get(data..data.checked_add(value_len)?)?;
        data += value_len + 1;
        pairs.push((name, value));
    }
    Some(pairs)
}

#[cfg(target_arch = "wasm32")]
pub use calls::*;

#[cfg(target_arch = "wasm32")]
mod calls {
    use proxy_wasm::types::{MapType, Status};
    use std::ptr::null_mut;

    #[link(wasm_import_module = "env")]
    extern "C" {
        fn proxy_get_header_map_value(
            map_type: MapType,
            key_data: *const u8,
            key_size: usize,
            return_value_data: *mut *mut u8,
            return_value_size: *mut usize,
        ) -> Status;
        fn proxy_get_header_map_pairs(
            map_type: MapType,
            return_map_data: *mut *mut u8,
            return_map_size: *mut usize,
        ) -> Status;
        fn proxy_get_property(
            path_data: *const u8,
            path_size: usize,
            return_value_data: *mut *mut u8,
            return_value_size: *mut usize,
        ) -> Status;
        fn proxy_record_metric(metric_id: u32, value: u64) -> Status;
        fn proxy_increment_metric(metric_id: u32, offset: i64) -> Status;
        fn proxy_get_metric(metric_id: u32, return_value: *mut u64) -> Status;
        fn proxy_get_current_time_nanoseconds(return_time: *mut u64) -> Status;
        fn proxy_send_local_response(
            status_code: u32,
            status_code_details_data: *const u8,
            status_code_details_size: usize,
            body_data: *const u8,
            body_size: usize,
            headers_data: *const u8,
            headers_size: usize,
            grpc_status: i32,
        ) -> Status;
    }

    /// Takes ownership of what the host returned: it allocated it through the SDK's
    /// exported allocator, for the VM to free.
    fn returned(status: Status, data: *mut u8, size: usize) -> Result<Option<Vec<u8>>, Status> {
        match status {
            Status::Ok if data.is_null() => Ok(Some(Vec::new())),
            // SAFETY: on Ok the host handed over `size` bytes it allocated in this VM.
            Status::Ok => Ok(Some(unsafe { Vec::from_raw_parts(data, size, size) })),
            Status::NotFound => Ok(None),
            other => Err(other),
        }
    }

    pub fn header_value(map: MapType, name: &str) -> Result<Option<Vec<u8>>, Status> {
        let (mut data, mut size) = (null_mut(), 0);
        // SAFETY: `name` lives for the call; the host writes the two out-parameters.
        let status = unsafe {
            proxy_get_header_map_value(map, name.as_ptr(), name.len(), &mut data, &mut size)
        };
        returned(status, data, size)
    }

    /// The whole map in its encoding (see `decode_pairs`); empty when there is none.
    pub fn header_pairs(map: MapType) -> Result<Vec<u8>, Status> {
        let (mut data, mut size) = (null_mut(), 0);
        // SAFETY: the host writes the two out-parameters.
        let status = unsafe { proxy_get_header_map_pairs(map, &mut data, &mut size) };
        Ok(returned(status, data, size)?.unwrap_or_default())
    }

    pub fn property(path: &[&str]) -> Result<Option<Vec<u8>>, Status> {
        let encoded = path.join("\0");
        let (mut data, mut size) = (null_mut(), 0);
        // SAFETY: `encoded` lives for the call; the host writes the two out-parameters.
        let status =
            unsafe { proxy_get_property(encoded.as_ptr(), encoded.len(), &mut data, &mut size) };
        returned(status, data, size)
    }

    pub fn record_metric(metric_id: u32, value: u64) -> Result<(), Status> {
        // SAFETY: plain values in, a status out.
        match unsafe { proxy_record_metric(metric_id, value) } {
            Status::Ok => Ok(()),
            other => Err(other),
        }
    }

    pub fn increment_metric(metric_id: u32, offset: i64) -> Result<(), Status> {
        // SAFETY: plain values in, a status out.
        match unsafe { proxy_increment_metric(metric_id, offset) } {
            Status::Ok => Ok(()),
            other => Err(other),
        }
    }

    /// Unix time in nanoseconds.
    pub fn now_nanos() -> Result<u64, Status> {
        let mut nanos = 0;
        // SAFETY: the host writes the out-parameter.
        match unsafe { proxy_get_current_time_nanoseconds(&mut nanos) } {
            Status::Ok => Ok(nanos),
            other => Err(other),
        }
    }

    pub fn get_metric(metric_id: u32) -> Result<u64, Status> {
        let mut value = 0;
        // SAFETY: the host writes the out-parameter.
        match unsafe { proxy_get_metric(metric_id, &mut value) } {
            Status::Ok => Ok(value),
            other => Err(other),
        }
    }

    pub fn send_local_response(
        status: u32,
        details: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(), Status> {
        let map = super::encode_pairs(headers);
        // SAFETY: every pointer/length pair refers to a live buffer for the whole call.
        let result = unsafe {
            proxy_send_local_response(
                status,
                details.as_ptr(),
                details.len(),
                body.as_ptr(),
                body.len(),
                map.as_ptr(),
                map.len(),
                -1,
            )
        };
        match result {
            Status::Ok => Ok(()),
            other => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_round_trip() {
        let pairs = [
            (":status", "200"),
            ("content-type", "application/grpc"),
            ("empty", ""),
        ];
        let encoded = encode_pairs(&pairs);
        let decoded = decode_pairs(&encoded).unwrap();
        let as_str: Vec<(&str, &str)> = decoded
            .iter()
            .map(|(n, v)| {
                (
                    std::str::from_utf8(n).unwrap(),
                    std::str::from_utf8(v).unwrap(),
                )
            })
            .collect();
        assert_eq!(as_str, pairs);
        assert_eq!(decode_pairs(&[]), Some(Vec::new()));
    }

    #[test]
    fn malformed_maps_are_refused_not_panicked_on() {
        let encoded = encode_pairs(&[("name", "value")]);
        for cut in 1..encoded.len() - 1 {
            assert_eq!(decode_pairs(&encoded[..cut]), None, "cut at {cut}");
        }
        assert_eq!(decode_pairs(&[255, 255, 255, 255]), None);
    }
}
