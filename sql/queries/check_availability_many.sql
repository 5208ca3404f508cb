-- Many availability questions in one statement (AvailabilityBatcher): one row per question, in order;
-- Available, or the SQLSTATE and message check_availability_with_lock would raise.
select ordinal       as "Ordinal",
       available     as "Available",
       error_code    as "ErrorCode",
       error_message as "ErrorMessage"
  from check_availability_many(
         p_accommodation_ids => @AccommodationIds,
         p_check_ins         => @CheckIns,
         p_check_outs        => @CheckOuts)
