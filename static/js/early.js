// Loaded in <head>, before the first paint: pages with JavaScript get the "js" class at once,
// so what it folds (menus, filters) never shows unfolded first.
document.documentElement.classList.add("js");
