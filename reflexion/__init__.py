X='reflexion'
