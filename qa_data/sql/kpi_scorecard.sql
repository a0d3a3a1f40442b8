-- kpi_scorecard: one row per KPI in the catalogue, for the month $month and one breakdown: the
-- council-wide values ($area null) or one service area ($area). Columns: kpi_code, name,
-- definition, unit, direction, catalogue_target, amber_tolerance, source, month (latest month with a
-- value up to $month), value, numerator, denominator, target (the value's own, else the
-- catalogue's), previous_month, previous_value, trend (list of up to 12 monthly values, oldest
-- first), sn, region, england (the latest comparator values), comparator_year.
-- Parameters: $month (date, first of month), $area (varchar or null).
with chosen as (
    -- When a month has both a reported (extract) and a computed (annex_a) value, the computed wins.
    select v.*
    from kpi_values as v
    where v.period_month <= $month
      and v.team is null
      and v.service_area is not distinct from $area
    qualify row_number() over (
        partition by v.kpi_code, v.period_month order by (v.source = 'annex_a') desc
    ) = 1
),
ranked as (
    select c.*, row_number() over (partition by c.kpi_code order by c.period_month desc) as recency
    from chosen as c
),
latest_comparators as (
    select kpi_code, comparator, value, year,
           row_number() over (partition by kpi_code, comparator order by year desc) as recency
    from kpi_comparators
)
select k.kpi_code, k.name, k.definition, k.unit, k.direction,
       k.target as catalogue_target, k.amber_tolerance, k.source,
       cur.period_month as month, cur.value, cur.numerator, cur.denominator,
       coalesce(cur.target, k.target) as target,
       prev.period_month as previous_month, prev.value as previous_value,
       (select list(r.value order by r.period_month) from ranked as r
         where r.kpi_code = k.kpi_code and r.recency <= 12) as trend,
       sn.value as sn, rg.value as region, en.value as england,
       coalesce(sn.year, rg.year, en.year) as comparator_year
from kpis as k
left join ranked as cur on cur.kpi_code = k.kpi_code and cur.recency = 1
left join ranked as prev on prev.kpi_code = k.kpi_code and prev.recency = 2
left join latest_comparators as sn
    on sn.kpi_code = k.kpi_code and sn.comparator = 'Statistical neighbours' and sn.recency = 1
left join latest_comparators as rg
    on rg.kpi_code = k.kpi_code and rg.comparator = 'Region' and rg.recency = 1
left join latest_comparators as en
    on en.kpi_code = k.kpi_code and en.comparator = 'England' and en.recency = 1
where $area is null or k.service_area is null or k.service_area = $area
order by k.sort_order;
