-- actions_agreed_for_audit: the actions agreed on $audit_id's reflection sheet, in the order written,
-- when the audit is in scope. Columns: seq, action, owner (null unless $show_names), due_date.
-- Parameters: $areas (list of service areas in scope), $audit_id (varchar), $show_names (boolean).
select g.seq, g.action, case when $show_names then g.owner end as owner, g.due_date
from audit_agreed_actions as g
join audits as a on a.audit_id = g.audit_id
where g.audit_id = $audit_id and list_contains($areas, a.service_area)
order by g.seq
