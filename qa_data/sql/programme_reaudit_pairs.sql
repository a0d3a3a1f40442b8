-- programme_reaudit_pairs: one row per re-audit dated in the period (framework section 8: a re-audit
-- checks that change stuck), newest first, beside the audit it re-audits (audits.reaudit_of). The
-- original must be in view too (a service area in $areas; any date); otherwise its columns are null.
-- No worker or child names. Change compares final grades: improved = a better grade (lower rank).
-- Columns: reaudit_id, reaudit_date, service_area, theme (the original's, else the re-audit's),
-- original_id, original_date, original_grade, reaudit_grade, change (Improved, Same, Worse; null
-- without an original in view).
-- Parameters: the filtered_audits arguments.
with reaudits as (
    select audit_id, audit_date, service_area, theme, final_grade, reaudit_of
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
    where reaudit_of is not null
),
originals as (
    select audit_id, audit_date, theme, final_grade
    from audits
    where list_contains($areas, service_area)
)
select r.audit_id as reaudit_id, r.audit_date as reaudit_date, r.service_area,
       coalesce(trim(o.theme), trim(r.theme)) as theme,
       o.audit_id as original_id, o.audit_date as original_date,
       o.final_grade as original_grade, r.final_grade as reaudit_grade,
       case when o.audit_id is null then null
            when gr.grade_rank < go.grade_rank then 'Improved'
            when gr.grade_rank = go.grade_rank then 'Same'
            else 'Worse' end as change
from reaudits as r
left join originals as o on o.audit_id = r.reaudit_of
left join grades as gr on gr.grade = r.final_grade
left join grades as go on go.grade = o.final_grade
order by r.audit_date desc, r.audit_id
