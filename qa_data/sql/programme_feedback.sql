-- programme_feedback: the feedback loop (framework section 5) per service area in view, framework
-- order, after an 'All areas in view' row. Percentages are of the activities where the field was
-- recorded (yes or no); a blank is not recorded and left out. Timeliness is in working days after the
-- audit date up to and including the feedback date (qa_data.working_days' convention), over the
-- activities with a feedback date on or after the audit date; dates before the audit are counted apart.
-- Columns: service_area, activities, notified_recorded, notified, notified_pct, feedback_recorded,
-- feedback_given, feedback_pct, dated, median_days, within_10, within_10_pct, before_audit,
-- band_0_5, band_6_10, band_11_20, band_21_plus (counts of dated activities by working days).
-- Parameters: the filtered_audits arguments; $holidays (list of bank holiday dates covering the
-- audit and feedback dates).
with in_view as (
    select service_area, audit_date, worker_notified, feedback_given, feedback_date
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
),
bounds as (
    select min(least(audit_date, coalesce(feedback_date, audit_date))) as first_day,
           max(greatest(audit_date, coalesce(feedback_date, audit_date))) as last_day
    from in_view
),
calendar as (
    -- working_days = the working days up to and including `day`; the difference between two days is
    -- the working days after the first up to and including the second.
    select day::date as day,
           sum(case when isodow(day) <= 5 and not list_contains($holidays, day::date) then 1 else 0 end)
               over (order by day) as working_days
    from bounds, range(bounds.first_day::timestamp, bounds.last_day::timestamp + interval 1 day, interval 1 day)
        as t(day)
),
measured as (
    select v.*, fb.working_days - ad.working_days as days
    from in_view as v
    left join calendar as ad on ad.day = v.audit_date
    left join calendar as fb on fb.day = v.feedback_date
),
per_area as (
    select coalesce(service_area, 'All areas in view') as service_area,
           grouping(service_area) as is_total,
           count(*) as activities,
           count(worker_notified) as notified_recorded,
           count(*) filter (where worker_notified) as notified,
           count(feedback_given) as feedback_recorded,
           count(*) filter (where feedback_given) as feedback_given,
           count(days) filter (where days >= 0) as dated,
           median(days) filter (where days >= 0) as median_days,
           count(*) filter (where days between 0 and 10) as within_10,
           count(*) filter (where days < 0) as before_audit,
           count(*) filter (where days between 0 and 5) as band_0_5,
           count(*) filter (where days between 6 and 10) as band_6_10,
           count(*) filter (where days between 11 and 20) as band_11_20,
           count(*) filter (where days >= 21) as band_21_plus
    from measured
    group by grouping sets ((service_area), ())
)
select p.service_area, p.activities,
       p.notified_recorded, p.notified, 100.0 * p.notified / nullif(p.notified_recorded, 0) as notified_pct,
       p.feedback_recorded, p.feedback_given,
       100.0 * p.feedback_given / nullif(p.feedback_recorded, 0) as feedback_pct,
       p.dated, p.median_days, p.within_10, 100.0 * p.within_10 / nullif(p.dated, 0) as within_10_pct,
       p.before_audit, p.band_0_5, p.band_6_10, p.band_11_20, p.band_21_plus
from per_area as p
left join service_areas as s on s.service_area = p.service_area
where p.activities > 0
order by p.is_total desc, s.sort_order
