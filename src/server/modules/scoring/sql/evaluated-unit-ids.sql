-- The evaluated units of one hub, as a list.
select org_id from ({{evaluated-units}}) evaluated
