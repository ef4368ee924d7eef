"""Nothing registered: uploaded documents and their review are business data of the working-group office,
and the maintenance admin (三权分立: system/security/audit administrators) must not read or change them."""
