-- domain_summary: one row per graded domain present among the filtered audits.
-- Columns: domain, label, kind (quality_marker, supervision, other), graded, good_or_better, pct.
with base as (
    select audit_id
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
)
select d.domain, d.label, d.kind, count(*) as graded,
       count(*) filter (where g.good_or_better) as good_or_better,
       100.0 * avg(g.good_or_better::int) as pct
from audit_grades as g
join base as b using (audit_id)
join domains as d using (domain)
group by d.domain, d.label, d.kind, d.sort_order
order by d.sort_order;
