// Training — placeholder until its issue lands; see DESIGN.md for what this module owns.
enum TrainingModule {}
