drop function enforce_transition();
