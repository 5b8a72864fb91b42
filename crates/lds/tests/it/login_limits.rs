//! Sign-in rate limits are counted in the database: two `lds serve` processes on one database
//! (SQLite file, or PostgreSQL with `LDS_TEST_POSTGRES_URL`) share each account's and each
//! address's budget, so a guesser gains nothing by spreading attempts over processes.

use headsup_protocol::error::ErrorBody;
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::http;
use headsup_testkit::lds::process::LdsProcess;

/// One sign-in attempt; returns the status and error code.
async fn attempt(server: &LdsProcess, email: &str) -> (u16, ErrorCode) {
    let resp = http()
        .post(format!("{}/api/v1/login", server.base()))
        .json(&serde_json::json!({"email": email, "password": "guess"}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    if status == 429 {
        assert_eq!(
            resp.headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap()),
            Some("60")
        );
    }
    let body: ErrorBody = resp.json().await.unwrap();
    (status, body.error.code)
}

const REFUSED: (u16, ErrorCode) = (401, ErrorCode::InvalidCredentials);
const LIMITED: (u16, ErrorCode) = (429, ErrorCode::RateLimited);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_account_and_address_budgets() {
    let db = headsup_testkit::lds::fresh_db().await;
    let options = [
        "--login-per-account-per-min",
        "3",
        "--login-per-address-per-min",
        "5",
    ];
    let p1 = LdsProcess::serve_with(&db.url, &options);
    let p2 = LdsProcess::serve_with(&db.url, &options);

    // Three attempts on one account, spread over both processes, spend its budget...
    assert_eq!(attempt(&p1, "ana@x.test").await, REFUSED);
    assert_eq!(attempt(&p2, "Ana@X.test").await, REFUSED);
    assert_eq!(attempt(&p1, "ana@x.test").await, REFUSED);
    // ...so the fourth is limited on either process.
    assert_eq!(attempt(&p2, "ana@x.test").await, LIMITED);
    assert_eq!(attempt(&p1, "ana@x.test").await, LIMITED);

    // The address has spent 3 of its 5 (limited attempts spend nothing): two more accounts, then
    // the address is limited whatever the account.
    assert_eq!(attempt(&p2, "bo@x.test").await, REFUSED);
    assert_eq!(attempt(&p1, "carla@x.test").await, REFUSED);
    assert_eq!(attempt(&p2, "dan@x.test").await, LIMITED);
    assert_eq!(attempt(&p1, "erin@x.test").await, LIMITED);
}
