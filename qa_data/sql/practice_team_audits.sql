-- practice_team_audits: the audits behind one team's supervision figures, one row per activity,
-- newest first. Columns: audit_id, audit_date, activity_type (label), service_area, team, theme,
-- worker, auditor (null unless $show_names), final_grade, supervision_grade, oversight_grade.
-- Parameters: the filtered_audits arguments ($teams holds the one team), $show_names.
select a.audit_id, a.audit_date, t.label as activity_type, a.service_area, a.team, a.theme,
       case when $show_names then a.worker end as worker,
       case when $show_names then a.auditor end as auditor,
       a.final_grade, a.supervision_grade, a.oversight_grade
from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes) as a
join activity_types as t using (activity_type)
order by a.audit_date desc, a.audit_id;
