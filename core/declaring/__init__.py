"""The applicant's side: the title catalogue, declarations, their modules, records, evidence, pledge and printable form."""
