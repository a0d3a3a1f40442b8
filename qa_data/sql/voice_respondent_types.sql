-- voice_respondent_types: one row per respondent type with survey answers in the viewer's areas.
-- Columns: respondent_type. Parameters: $areas.
select distinct respondent_type
from survey_answers
where service_area in (select unnest($areas))
order by respondent_type;
