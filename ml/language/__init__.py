"""Request understanding: shopper text relative to a reference product -> structured constraints."""
