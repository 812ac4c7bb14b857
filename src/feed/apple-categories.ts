/**
 * Apple Podcasts' categories and subcategories, with Apple's exact spelling (the
 * itunes:category text attribute must match it character for character, "&" included).
 * This is the list Apple has used since its 2019 revision.
 */
export const APPLE_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  Arts: ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  Business: ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  Comedy: ['Comedy Interviews', 'Improv', 'Stand-Up'],
  Education: ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  Fiction: ['Comedy Fiction', 'Drama', 'Science Fiction'],
  Government: [],
  History: [],
  'Health & Fitness': ['Alternative Health', 'Fitness', 'Medicine', 'Mental Health', 'Nutrition', 'Sexuality'],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  Leisure: ['Animation & Manga', 'Automotive', 'Aviation', 'Crafts', 'Games', 'Hobbies', 'Home & Garden', 'Video Games'],
  Music: ['Music Commentary', 'Music History', 'Music Interviews'],
  News: ['Business News', 'Daily News', 'Entertainment News', 'News Commentary', 'Politics', 'Sports News', 'Tech News'],
  'Religion & Spirituality': ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Religion', 'Spirituality'],
  Science: ['Astronomy', 'Chemistry', 'Earth Sciences', 'Life Sciences', 'Mathematics', 'Natural Sciences', 'Nature', 'Physics', 'Social Sciences'],
  'Society & Culture': ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  Sports: ['Baseball', 'Basketball', 'Cricket', 'Fantasy Sports', 'Football', 'Golf', 'Hockey', 'Rugby', 'Running', 'Soccer', 'Swimming', 'Tennis', 'Volleyball', 'Wilderness', 'Wrestling'],
  Technology: [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews']
}

/** True when `category` (and `subcategory`, if given) is on Apple's list, spelled exactly. */
export function isAppleCategory (category: string, subcategory?: string): boolean {
  if (!Object.hasOwn(APPLE_CATEGORIES, category)) return false
  if (subcategory === undefined || subcategory === '') return true
  return APPLE_CATEGORIES[category]!.includes(subcategory)
}

/**
 * Apple's spelling for a category typed loosely ("society and culture", "tv & film"), or
 * undefined: lets `init` accept what users type and suggest the right name.
 */
export function findAppleCategory (category: string, subcategory?: string): { category: string, subcategory?: string } | undefined {
  const normal = (text: string) => text.toLowerCase().replace(/\s+and\s+/g, ' & ').replace(/\s+/g, ' ').trim()
  const main = Object.keys(APPLE_CATEGORIES).find(name => normal(name) === normal(category))
  if (!main) return undefined
  if (!subcategory) return { category: main }
  const sub = APPLE_CATEGORIES[main]!.find(name => normal(name) === normal(subcategory))
  return sub ? { category: main, subcategory: sub } : undefined
}
