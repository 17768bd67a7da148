"""Release intelligence: parse a release name, judge it against a quality profile, check what a
torrent holds before it downloads (parse, profile, score, files, profiles)."""
