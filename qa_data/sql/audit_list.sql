-- audit_list: one row per filtered audit, newest first, for drill-down tables.
-- Columns: audit_id, audit_date, activity_type, service_area, team, theme, worker, auditor,
-- final_grade, supervision_grade, moderated, feedback_given. Names are null unless $show_names.
select a.audit_id, a.audit_date, t.label as activity_type, a.service_area, a.team, a.theme,
       case when $show_names then a.worker end as worker,
       case when $show_names then a.auditor end as auditor,
       a.final_grade,
       a.supervision_grade,
       a.moderated_grade is not null as moderated,
       a.feedback_given
from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes) as a
join activity_types as t using (activity_type)
order by a.audit_date desc, a.audit_id;
