-- voice_complaints_summary: one row per service area and month with any complaint or compliment.
-- Columns: service_area, month (date), complaints, compliments, upheld (complaints upheld or
-- partially upheld), decided (complaints with an outcome), pct_upheld (0-100 of decided; null if none).
-- Parameters: $areas, $start, $end (dates received, inclusive).
with received_in_view as (
    select service_area, date_trunc('month', received_date)::date as month, record_type, upheld
    from complaints
    where service_area in (select unnest($areas))
      and received_date between $start and $end
)
select service_area, month,
       count(*) filter (where record_type = 'complaint') as complaints,
       count(*) filter (where record_type = 'compliment') as compliments,
       count(*) filter (where record_type = 'complaint' and upheld) as upheld,
       count(*) filter (where record_type = 'complaint' and upheld is not null) as decided,
       round(100.0 * count(*) filter (where record_type = 'complaint' and upheld)
             / nullif(count(*) filter (where record_type = 'complaint' and upheld is not null), 0), 1)
           as pct_upheld
from received_in_view
group by service_area, month
order by month, service_area;
