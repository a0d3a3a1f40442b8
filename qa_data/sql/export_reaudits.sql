-- export_reaudits: one row per re-audit dated in [$start, $end] in $areas, with the audit it follows
-- up (the original need not be in the period). Columns: audit_id, service_area, theme, audit_date,
-- final_grade, original_id, original_date, original_grade, improved (grade rank better than the
-- original's; null when the original is not found).
-- Parameters: $areas, $start, $end (dates, inclusive).
select r.audit_id, r.service_area, r.theme, r.audit_date, r.final_grade,
       r.reaudit_of as original_id, o.audit_date as original_date, o.final_grade as original_grade,
       gr.grade_rank < go.grade_rank as improved
from filtered_audits($areas, $start, $end, [], [], []) as r
left join audits as o on o.audit_id = r.reaudit_of
left join grades as gr on gr.grade = r.final_grade
left join grades as go on go.grade = o.final_grade
where r.reaudit_of is not null
order by r.audit_date, r.audit_id;
