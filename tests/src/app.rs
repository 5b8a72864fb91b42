//! The built Heads-Up app, started by tauri-driver (which drives WebKitWebDriver, which starts the
//! app) and controlled over WebDriver with fantoccini: the real WebKitGTK webview, not a browser.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use headsup_testkit::{eventually, within_patience};
use serde_json::json;

pub struct App {
    pub client: Client,
    driver: Child,
    pub data_dir: PathBuf,
    _data: Option<tempfile::TempDir>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl App {
    /// Starts the app for `profile`, talking to the LDS at `lds_url`, with a fresh data folder.
    pub async fn start(lds_url: &str, profile: &str) -> Result<App> {
        let dir = tempfile::tempdir()?;
        let data_dir = dir.path().to_path_buf();
        let mut app = App::start_with_data(lds_url, profile, data_dir).await?;
        app._data = Some(dir);
        Ok(app)
    }

    /// Starts the app on an existing data folder (a restart of the same installation).
    pub async fn start_with_data(lds_url: &str, profile: &str, data_dir: PathBuf) -> Result<App> {
        let app_bin = crate::required_env("HEADSUP_APP_BIN");
        crate::required_env("DISPLAY");
        let port = free_port();
        let native_port = free_port();
        // The drivers' and the app's own output (a crash's last words), kept for a human.
        let log = std::fs::File::create(crate::artifacts_dir().join(format!("app-{port}.log")))?;
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
                "--native-driver",
                "/usr/bin/WebKitWebDriver",
            ])
            // WebKitWebDriver starts the app with this environment.
            .env("HEADSUP_LDS_URL", lds_url)
            .env("HEADSUP_PROFILE", profile)
            .env("HEADSUP_DATA_DIR", &data_dir)
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group, so that stopping it also stops WebKitWebDriver and the app.
            .process_group(0)
            .spawn()
            .context("starting tauri-driver (installed by scripts/setup.sh)")?;

        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app_bin },
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let client = eventually("tauri-driver to accept a WebDriver session", || {
            let caps = caps.clone();
            let url = url.clone();
            async move {
                ClientBuilder::native()
                    .capabilities(caps)
                    .connect(&url)
                    .await
                    .ok()
            }
        })
        .await;
        Ok(App {
            client,
            driver,
            data_dir,
            _data: None,
        })
    }

    /// The process id of tauri-driver, whose descendants are WebKitWebDriver, the app and the
    /// app's WebKit processes (see [`crate::procs`]).
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// The app's own process (`headsup`), once WebKitWebDriver has started it.
    pub fn app_pid(&self) -> Option<u32> {
        crate::procs::find_descendant(self.driver.id(), "headsup")
    }

    /// Waits for an element to exist and returns it.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        eventually(&format!("element {css}"), || async {
            self.client.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// Waits until the element's text satisfies `pred`; returns the text.
    pub async fn text_until(&self, css: &str, pred: impl Fn(&str) -> bool) -> String {
        let last = std::sync::Mutex::new(None::<String>);
        let found = within_patience(|| async {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            // The DOM's text, not WebDriver's "visible text": WebKitWebDriver leaves out parts of
            // rows while their blink animation runs, though they are on screen.
            let text = el.prop("textContent").await.ok()??;
            *last.lock().unwrap() = Some(text.clone());
            pred(&text).then_some(text)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "gave up waiting for the text of {css} to match; last seen: {:?}",
                last.lock().unwrap()
            )
        })
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let el = self.client.find(Locator::Css(css)).await.ok()?;
        el.attr(name).await.ok().flatten()
    }

    /// Waits until `css` has attribute `name` equal to `value`.
    pub async fn attr_until(&self, css: &str, name: &str, value: &str) {
        eventually(&format!("{css}[{name}={value}]"), || async {
            (self.attr(css, name).await.as_deref() == Some(value)).then_some(())
        })
        .await
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.expect("clear input");
        el.send_keys(text).await.expect("type into input");
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// The two-step sign-in of the seeds: e-mail → NEXT → password → CONNECT.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.type_into("#email", email).await;
        self.click("#email-next").await;
        self.type_into("#password", password).await;
        self.click("#connect").await;
    }

    /// Waits until the connection bar says the app is in sync with the LDS.
    pub async fn wait_synced(&self) {
        self.attr_until("#connection-bar", "data-state", "synced")
            .await;
    }

    /// Saves a PNG of the webview under the artifacts folder.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = crate::artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// A screenshot of one of the main screens for the documentation: kept with the artifacts,
    /// and also written to `$HEADSUP_SCREENSHOTS_DIR` (e.g. docs/screenshots) when that is set,
    /// so refreshing the README's pictures is one test run.
    pub async fn screenshot_for_docs(&self, name: &str) {
        // WebKitGTK under Xvfb paints a change up to a few hundred ms later (measured by
        // ui/bench): without this pause the picture can show the screen before the last click.
        // Not an assertion: only what the docs show depends on it.
        tokio::time::sleep(Duration::from_millis(800)).await;
        let path = self.screenshot(name).await;
        if let Ok(dir) = std::env::var("HEADSUP_SCREENSHOTS_DIR") {
            std::fs::create_dir_all(&dir).expect("create screenshots dir");
            std::fs::copy(&path, PathBuf::from(dir).join(format!("{name}.png")))
                .expect("copy screenshot for the docs");
        }
    }

    /// Runs a script in the webview (WebDriver "execute script") and returns its value.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Sizes the window to `width` × `height` and waits until the page has laid out at that
    /// viewport (under the tests' Xvfb no window manager draws a frame, so the two are equal;
    /// a run that had one would say so here).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("set the window size");
        eventually(&format!("the viewport to be {width}×{height}"), || async {
            let size = self
                .js("return [window.innerWidth, window.innerHeight]")
                .await;
            (size[0].as_u64()? == u64::from(width) && size[1].as_u64()? == u64::from(height))
                .then_some(())
        })
        .await
    }

    /// Whether an element matching `css` exists right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        eventually(&format!("{css} to go away"), || async {
            (!self.exists(css).await).then_some(())
        })
        .await
    }

    /// Whether the element has `class` in its class list (None when it does not exist).
    pub async fn has_class(&self, css: &str, class: &str) -> Option<bool> {
        let classes = self.attr(css, "class").await?;
        Some(classes.split_whitespace().any(|c| c == class))
    }

    /// Waits until the element exists and has `class`.
    pub async fn class_until(&self, css: &str, class: &str) {
        eventually(&format!("{css} to have class {class}"), || async {
            (self.has_class(css, class).await == Some(true)).then_some(())
        })
        .await
    }

    /// Opens profile → Notifications and saves the settings with desktop notifications
    /// `on` or off, as an agent does; returns to the request tab.
    pub async fn set_desktop_notifications(&self, on: bool) {
        self.click("#agent-name").await;
        self.click("#menu-notifications").await;
        let checkbox = self.find("#setting-notifications").await;
        if checkbox.is_selected().await.expect("read checkbox") != on {
            checkbox.click().await.expect("toggle checkbox");
        }
        self.click("#settings-save").await;
        // Saved means written to the profile's state file by the core, not just clicked.
        eventually(
            &format!("notifications={on} saved in the state file"),
            || async { (self.saved_state()?.settings.notifications == on).then_some(()) },
        )
        .await;
        if self.exists("#settings-close").await {
            self.click("#settings-close").await;
        }
        self.find("#requests").await;
    }

    /// The core's non-secret state as saved in the data folder (None before the first save).
    pub fn saved_state(&self) -> Option<headsup_core::SavedState> {
        let text = std::fs::read_to_string(self.data_dir.join("agent-state.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Ends the WebDriver session (which closes the app) and stops the drivers.
    /// Returns once the app's process is gone: a new instance started while the old one still
    /// holds the profile's single-instance name on the bus would try to hand over to it.
    pub async fn quit(self) {
        let app = self.app_pid();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        drop(self);
        let Some(pid) = app else { return };
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        for _ in 0..200 {
            if !proc_dir.exists() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // tauri-driver, WebKitWebDriver and the app share one process group.
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is involved.
        unsafe { libc::kill(-(self.driver.id() as i32), libc::SIGKILL) };
        let _ = self.driver.wait();
    }
}

/// The CSS selector of request `id`'s row, in the pending list or the scheduled calls.
pub fn row(id: headsup_protocol::RequestId) -> String {
    format!(".request-row[data-request-id=\"{id}\"]")
}
