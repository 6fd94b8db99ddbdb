"""Unit and policy review: publicity batches and notices, objections, recommendation, policy review, the public portal."""
