-- programme_reaudit_summary: re-audits against their originals, one row per service area (of the
-- re-audit) and theme (the original's, matched ignoring case and white space), for the re-audits
-- dated in the period whose original is in view (any date). Good or better and change use final grades.
-- Columns: service_area, theme, pairs, original_good, original_pct, reaudit_good, reaudit_pct,
-- improved, same, worse.
-- Parameters: the filtered_audits arguments.
with pairs as (
    select r.service_area,
           regexp_replace(lower(trim(coalesce(o.theme, r.theme))), '\s+', ' ', 'g') as theme_key,
           trim(coalesce(o.theme, r.theme)) as theme,
           o.good_or_better as original_good, r.good_or_better as reaudit_good,
           gr.grade_rank as reaudit_rank, go.grade_rank as original_rank
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes) as r
    join audits as o on o.audit_id = r.reaudit_of and list_contains($areas, o.service_area)
    join grades as gr on gr.grade = r.final_grade
    join grades as go on go.grade = o.final_grade
)
select p.service_area, min(p.theme) as theme, count(*) as pairs,
       count(*) filter (where p.original_good) as original_good,
       100.0 * count(*) filter (where p.original_good) / count(*) as original_pct,
       count(*) filter (where p.reaudit_good) as reaudit_good,
       100.0 * count(*) filter (where p.reaudit_good) / count(*) as reaudit_pct,
       count(*) filter (where p.reaudit_rank < p.original_rank) as improved,
       count(*) filter (where p.reaudit_rank = p.original_rank) as same,
       count(*) filter (where p.reaudit_rank > p.original_rank) as worse
from pairs as p
join service_areas as s on s.service_area = p.service_area
group by p.service_area, s.sort_order, p.theme_key
order by s.sort_order, lower(min(p.theme)) nulls last
