-- voice_positive_by_question: one row per survey and scored question. Columns: survey, question,
-- n (responses), positive, pct_positive (0-100), low_n (n below $min_n: too few to read as a %).
-- Parameters: $areas (service areas in view), $start, $end (response dates, inclusive),
-- $types (respondent types; empty: all), $min_n.
with answers_in_view as (
    select survey, question, positive
    from survey_answers
    where service_area in (select unnest($areas))
      and response_date between $start and $end
      and (len($types) = 0 or respondent_type in (select unnest($types)))
)
select survey, question, count(*) as n, count(*) filter (where positive) as positive,
       round(100.0 * count(*) filter (where positive) / count(*), 1) as pct_positive,
       count(*) < $min_n as low_n
from answers_in_view
group by survey, question
order by survey, question;
