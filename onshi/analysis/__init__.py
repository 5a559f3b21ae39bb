"""Analysis over the neutral model: internet exposure, address sets, (later) exact reachability."""
