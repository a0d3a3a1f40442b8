-- actions_latest_snapshot: one row: snapshot_date, the latest action tracker snapshot (null when
-- none was loaded). No parameters (snapshot dates are not about any child or worker).
select max(snapshot_date) as snapshot_date from action_snapshots
