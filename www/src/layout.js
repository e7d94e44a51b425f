// The page's layout and accessibility glue that belongs to no view: the view
// tabs (tabs.js). Loaded from index.html after main.js, so its subscribers
// run after the views have drawn.
import './tabs.js';
