//! Clock faces for the few instants the app sends as UTC (the connection bar's "offline since",
//! the last sync), shown in the agent's own time zone from their profile. Formatting only; the
//! instants themselves are the core's.

use chrono::{DateTime, Utc};

/// "10:42" (or "10:42:07" with seconds) in `time_zone` (IANA name), 24-hour as in the seeds.
/// Falls back to UTC, labelled as such, if the zone is unknown to the webview.
pub fn clock(at: DateTime<Utc>, time_zone: Option<&str>, seconds: bool) -> String {
    local_clock(at, time_zone, seconds).unwrap_or_else(|| utc_clock(at, seconds))
}

fn utc_clock(at: DateTime<Utc>, seconds: bool) -> String {
    let pattern = if seconds { "%H:%M:%S UTC" } else { "%H:%M UTC" };
    at.format(pattern).to_string()
}

#[cfg(target_arch = "wasm32")]
fn local_clock(at: DateTime<Utc>, time_zone: Option<&str>, seconds: bool) -> Option<String> {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    let options = Object::new();
    let set = |key: &str, value: &str| {
        Reflect::set(&options, &key.into(), &value.into()).ok();
    };
    set("hour", "2-digit");
    set("minute", "2-digit");
    if seconds {
        set("second", "2-digit");
    }
    set("hourCycle", "h23");
    if let Some(zone) = time_zone {
        set("timeZone", zone);
    }
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    // Through Reflect so an unknown zone (a RangeError in JS) comes back as `None`, not a panic.
    let format: Function = Reflect::get(&date, &"toLocaleTimeString".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args = Array::of2(&JsValue::UNDEFINED, &options);
    Reflect::apply(&format, &date, &args).ok()?.as_string()
}

#[cfg(not(target_arch = "wasm32"))]
fn local_clock(_: DateTime<Utc>, _: Option<&str>, _: bool) -> Option<String> {
    None // Native builds only run unit tests; there is no Intl there.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_labelled_utc() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap(); // 22:13:20 UTC
        assert_eq!(clock(at, Some("Europe/Madrid"), false), "22:13 UTC");
        assert_eq!(clock(at, None, true), "22:13:20 UTC");
    }
}
