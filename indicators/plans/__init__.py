"""A plan's life: loading its definition (admin pages), putting it in force and ending it, its reporting calendar."""
