"""Object permissions for 谈心谈话 records, as `rules` predicates over `access_for(user)`."""
