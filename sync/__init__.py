"""Healing Map: turn a Google Form's responses into a public healing map and staff exports.

The flow is one way, each stage a module:

    config → sources → normalize → validate → locate → publish

``sync.pipeline.run_sync`` ties the stages together; ``sync.cli`` is a thin
command line over it.
"""

__version__ = "0.1.0"
