-- Sign-in rate limits live in the database, so every process on it counts against one budget
-- (a limit kept in one process's memory is multiplied by the number of processes).
-- One row per bucket and fixed one-minute window; the limit is checked against a sliding
-- estimate over the current and previous windows (src/store/rate_limits.rs). Rows older than two
-- windows are deleted as sign-ins happen. The same in both backends (there is no id column).

CREATE TABLE rate_limit_windows (
    -- What is counted: `login_account:<e-mail, lower case>` or `login_address:<IP>`.
    bucket TEXT NOT NULL,
    -- Start of the window, milliseconds since the Unix epoch, UTC (a multiple of the window).
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_windows_start ON rate_limit_windows(window_start);
