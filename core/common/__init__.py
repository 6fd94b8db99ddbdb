"""What every part of the domain shares: settings and rule numbers, domain errors, the message catalogue, masking."""
