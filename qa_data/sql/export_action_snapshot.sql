-- export_action_snapshot: one row: snapshot_date, the latest action tracker snapshot on or before
-- $as_of (null when there is none). Parameters: $as_of (date).
select max(snapshot_date) as snapshot_date from action_snapshots where snapshot_date <= $as_of;
