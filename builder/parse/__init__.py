"""Parse: typed, frozen records from content text, with every problem a `path:line` diagnostic."""
